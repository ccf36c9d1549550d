"""Static file finding: leave out the parts of ECharts the pages never load.

ECharts' dist folder holds 50 MB of builds and source maps; the pages load only
echarts.common.min.js. Without this, ``collectstatic`` copies and compresses all of it (140 MB more,
minutes longer). The patterns are matched against names inside each static folder.
"""

from django.contrib.staticfiles.finders import FileSystemFinder

VENDOR_IGNORE = [
    "extension",
    "echarts.js",
    "echarts.min.js",
    "echarts.common.js",
    "echarts.esm*",
    "echarts.simple*",
    "echarts*.map",
]


class PortalFileSystemFinder(FileSystemFinder):
    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *VENDOR_IGNORE])

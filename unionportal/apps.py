from django.contrib.staticfiles.apps import StaticFilesConfig


class PortalStaticFilesConfig(StaticFilesConfig):
    """Static files without the parts of ECharts the pages never load: its dist folder holds 50 MB of
    builds and source maps, the pages load only echarts.common.min.js."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "echarts*.map",
        # Matched against each name inside a static folder, not the prefixed path.
        "extension",
        "echarts.js",
        "echarts.min.js",
        "echarts.common.js",
        "echarts.esm*",
        "echarts.simple*",
    ]

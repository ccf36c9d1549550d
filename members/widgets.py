"""Form widgets of the member pages."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class LongSelect(forms.Select):
    """A select whose options are written in Python rather than through a template per option.

    The union filters offer a city's 170-odd federations: through Django's templates (two includes
    per option) those options took longer to render than the rest of the member list's form.
    The output is the same markup.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = (
            (option["value"], flatatt(option["attrs"]), option["label"])
            for _group, group_choices, _index in widget["optgroups"]
            for option in group_choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )

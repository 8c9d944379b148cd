"""PDF documents: render a Django template to an A4 PDF with WeasyPrint, and QR codes to print in them.

The only module that imports WeasyPrint. Nothing in it is specific to an app: a listing's PDF view reads
its FilterSet, then returns ``pdf_response(request, "app/pdf/….html", context, title=…,
filename=pdf_filename("…"))`` with a template that extends ``portal/pdf/base.html`` (A4, fonts, the
working group, the title and the date in the header, "page / pages" in the footer).

Fonts: Japanese text is set in BIZ UDPGothic (Debian's fonts-morisawa-bizud-gothic, installed by
``scripts/pdf-fonts``), a universal-design font made for legibility. It is plain TrueType, which
WeasyPrint lays out and subsets about twice as fast as the CFF-based Noto Sans CJK (bench/bench_pdf.py).
The other fonts in ``FONT_FAMILIES`` are fallbacks for a machine without it.

Speed (a 1,000-row list must take under 12 s): every row's QR code is a small PNG, data: URIs are
decoded here rather than by urllib, and the page margins hold plain strings; see bench/bench_pdf.py.
"""

import base64
import datetime as dt
import gc
import re
import urllib.parse
from contextlib import contextmanager
from functools import lru_cache

from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal import dates, qr

#: The CSS font stack of every PDF, first choice first (see the module docstring).
FONT_FAMILIES = ("BIZ UDPGothic", "IPAexGothic", "Noto Sans CJK JP", "sans-serif")


def font_family_css() -> str:
    """The font stack as a CSS value: "BIZ UDPGothic", "IPAexGothic", …, sans-serif."""
    return ", ".join(name if name == "sans-serif" else f'"{name}"' for name in FONT_FAMILIES)


# --- QR codes --------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def qr_png_data_uri(data: str, *, scale: int = 2, border: int = 2) -> str:
    """A QR code of ``data`` (portal.qr) as a PNG data: URI, for a PDF. An 8-bit grey PNG goes into the PDF
    as it is, and costs WeasyPrint far less than an SVG path of the same code; print it with CSS
    ``image-rendering: pixelated`` (viewers that smooth images anyway still get edges sharp enough to scan
    from 2 pixels a module)."""
    return "data:image/png;base64," + base64.b64encode(qr.qr_png(data, scale=scale, border=border)).decode("ascii")


# --- Wording shared by listing PDFs ----------------------------------------------------------------


def _join(items: list[str]) -> str:
    return ("、" if (get_language() or "ja").startswith("ja") else ", ").join(items)


def conditions_in_words(filterset) -> str:
    """A PortalFilterSet's active filters in one line for a PDF title: 条件：人数 38、大型バス駐車場あり.

    A yes-only filter (a checkbox) is its label alone; every other filter is its label and its value.
    """
    parts = []
    for chip in filterset.active():
        is_flag = isinstance(filterset.form.fields[chip["name"]], forms.BooleanField)
        parts.append(str(chip["label"]) if is_flag else f"{chip['label']} {chip['value']}")
    if not parts:
        return gettext("Conditions: none (the whole list)")
    return gettext("Conditions: %(conditions)s") % {"conditions": _join(parts)}


def ignored_in_words(filterset) -> list[str]:
    """Each ignored filter value as 人数「abc」 (the PDF says these were not applied)."""
    return [f"{item['label']}「{str(item['value'])[:40]}」" for item in filterset.ignored()]


def pdf_filename(stem: str, day: dt.date | None = None) -> str:
    """factory-tours-20261126.pdf: a listing's PDF file name with the date it was printed."""
    stem = re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-") or "document"
    return f"{stem}-{(day or dates.today()):%Y%m%d}.pdf"


# --- Rendering -------------------------------------------------------------------------------------


class DataURLFetcher(URLFetcher):
    """PDFs fetch nothing from the network or the disk: only data: URIs (fonts come through fontconfig).

    Decoding them here is also much faster than urllib's handler (one QR code per listing row).
    """

    def fetch(self, url, headers=None):
        if not url.startswith("data:"):
            raise ValueError(f"PDFs only load data: URIs, not {url[:60]!r}")
        meta, _comma, payload = url[5:].partition(",")
        mime_type, *parameters = meta.split(";")
        body = base64.b64decode(payload) if "base64" in parameters else urllib.parse.unquote_to_bytes(payload)
        return URLFetcherResponse(url, body, headers={"Content-Type": mime_type or "text/plain"})


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: ASCII punctuation is hex-escaped, so nothing can break out of it."""
    return '"' + "".join(ch if ch.isalnum() or ch == " " or ord(ch) > 0x7F else f"\\{ord(ch):x} " for ch in text) + '"'


def _margin_css(*, header: str, title: str) -> str:
    """The texts of the page margins, as CSS strings (plain strings lay out much faster than element())."""
    return f"@page {{ @top-left {{ content: {css_string(header)} }} @top-right {{ content: {css_string(title)} }} }}"


def document_context(title: str) -> dict:
    """What portal/pdf/base.html needs besides the page's own context: title, header, fonts, printing date."""
    from portal.models import WorkingGroup  # here: keeps this module importable before apps are ready

    working_group = WorkingGroup.load()
    today = dates.today()
    japanese = (get_language() or "ja").startswith("ja")
    return {
        "pdf_title": title,
        "pdf_header": working_group.display_name if working_group else str(settings.PORTAL_NAME),
        "pdf_font_family": mark_safe(font_family_css()),  # noqa: S308 (constant above, no user input)
        "printed_on": today,
        "printed_on_display": dates.format_date(today),
        # Typography of "label: value" runs of facts on one line: 業種：食品　人数：5〜40人 / Industry: Food · …
        "pdf_colon": "：" if japanese else ": ",
        "pdf_gap": "　" if japanese else " · ",
    }


def render_pdf(template_name: str, context: dict | None = None, *, title: str, request=None) -> bytes:
    """Render ``template_name`` (extending portal/pdf/base.html) to the bytes of an A4 PDF.

    ``title`` is the document's title, printed at the top right of every page with the date.
    """
    context = {**document_context(title), **(context or {})}
    html = render_to_string(template_name, context, request=request)
    margins = _margin_css(header=context["pdf_header"], title=f"{title} · {context['printed_on_display']}")
    base_url = request.build_absolute_uri("/") if request is not None else None
    document = HTML(string=html, base_url=base_url, url_fetcher=DataURLFetcher())
    with _garbage_collection_paused():
        return document.write_pdf(stylesheets=[CSS(string=margins)], font_config=FontConfiguration())


@contextmanager
def _garbage_collection_paused():
    """WeasyPrint makes millions of short-lived objects; the cycle collector's passes over them cost
    about 7 % of a long list's time and free little until the document is done. Reference counting
    still frees memory as usual; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pdf_response(
    request, template_name: str, context: dict | None = None, *, title: str, filename: str, inline: bool = True
) -> HttpResponse:
    """An HttpResponse with the PDF, shown in the browser (``inline``) or downloaded, named ``filename``."""
    content = render_pdf(template_name, context, title=title, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    return response


def list_pdf_response(
    request, template_name: str, *, filterset, items, max_items: int, title: str, filename: str, context=None
) -> HttpResponse:
    """A printed list (templates extending portal/pdf/list.html) of a filtered listing: the first
    ``max_items`` of ``items`` (the PDF says when it stops there), each with a QR code to its page, and the
    filterset's conditions and ignored values in words. The template gets ``items`` as (item, QR) pairs."""
    items = list(items[: max_items + 1])
    capped = len(items) > max_items
    del items[max_items:]
    rows = [(item, qr_png_data_uri(request.build_absolute_uri(item.get_absolute_url()))) for item in items]
    return pdf_response(
        request,
        template_name,
        {
            "items": rows,
            "total": filterset.qs.count() if capped else len(items),
            "capped": capped,
            "conditions": conditions_in_words(filterset),
            "ignored": ignored_in_words(filterset),
            **(context or {}),
        },
        title=title,
        filename=filename,
    )

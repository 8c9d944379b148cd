from django.apps import apps
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from portal import dates


def site(request):
    """What every page's layout needs: the portal's name, navigation, language links, the fiscal year."""
    nav = [
        (url_name, label) for config in apps.get_app_configs() for url_name, label in getattr(config, "portal_nav", ())
    ]
    current = get_language()
    path = request.get_full_path()
    languages = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
    return {
        "portal_name": settings.PORTAL_NAME,
        "portal_nav": nav,
        "language_links": languages,
        "current_fiscal_year": dates.fiscal_year(),
    }

"""Texts of third-party admin pages that ship no Simplified Chinese (django-axes): marked here so that
`make messages` puts them in our catalogue, which Django reads before the library's own (LOCALE_PATHS).
The library calls gettext on the same msgids at run time; this module is never imported."""

from django.utils.translation import gettext_noop as _

AXES = [
    _("access attempt"), _("access attempts"), _("access failure"), _("access failures"),
    _("access log"), _("access logs"), _("access attempt expiration"), _("access attempt expirations"),
    _("Access Attempt"), _("Access lock out"), _("Username"), _("IP Address"), _("User Agent"),
    _("HTTP Accept"), _("Path"), _("Attempt Time"), _("Logout Time"), _("Failed Logins"), _("Locked Out"),
    _("GET Data"), _("POST Data"), _("Form Data"), _("Meta Data"), _("Expires At"),
    _("The time when access attempt expires and is no longer valid."), _("Session key hash (sha256)"),
    _("Clean up expired attempts"), _("Not set"), _("Attempt Remaining"), _("Yes"), _("No"),
]

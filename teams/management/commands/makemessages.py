"""makemessages without fuzzy matching: a guessed translation is worse than a missing one,
which the translation test reports."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

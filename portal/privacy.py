"""The privacy notice investors agree to. Change the version whenever the notice's text
changes: every consent records the version it was given on."""

NOTICE_VERSION = "2026-01"

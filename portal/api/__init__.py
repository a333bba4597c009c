"""The public JSON API of the catalogue (``/api/v1``)."""

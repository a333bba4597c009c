"""The site finder: an investor states their needs and gets the industrial parks ranked by fit,
with the reasons in plain words (``/<lang>/find-a-site``)."""

"""Issues raised by investors already here: the public form, the staff list and page, the rules."""

"""Reading the investors' replies from the centre's mailbox over IMAP: ``flask mail fetch``, matching a
reply to its lead, and the list of replies nobody could match (``/staff/mailbox/unmatched``)."""

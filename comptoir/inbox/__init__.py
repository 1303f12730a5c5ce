"""Inbound e-mail: IMAP polling and a raw-MIME endpoint turn mail into ticket messages."""

"""Impayés : les factures ouvertes importées de la comptabilité."""

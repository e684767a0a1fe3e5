"""Readers and writers for other platforms' formats (GIFT, Aiken, QTI). Pure: text in, banks out."""

"""What a date is (model), how it is written (parse), and time zones (zones)."""

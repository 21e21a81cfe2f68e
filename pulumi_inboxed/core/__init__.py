"""What every provider needs once: HTTP with retries, errors, polling, settings, domain names."""

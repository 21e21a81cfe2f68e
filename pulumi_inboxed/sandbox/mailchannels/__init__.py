"""The sandbox's mailchannels API: models (state and rules), responses (routes), urls, errors."""

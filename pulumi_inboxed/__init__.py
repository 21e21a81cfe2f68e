"""Cold-email infrastructure as Pulumi resources: InboxedUp, Mailin.ai, MailChannels, Pingram."""

__version__ = "0.2.0"

"""MailChannels Inbound: typed client and Pulumi resources."""

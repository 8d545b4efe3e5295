"""ConnectWise Manage for QBR: the collector that writes reactive ticket metrics (docs/connectwise.md).

The HTTP client and its connection settings are generic vendor plumbing and stay in `collectors`
(`collectors/clients/connectwise.py`, `collectors/connectwise_settings.py`); what is collected and where it
is written is QBR's, so the collector lives here and qbr registers it from `QbrConfig.ready()`.
"""

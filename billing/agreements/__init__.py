"""ConnectWise Manage agreements: what each client is billed for, collected daily (docs/billing.md)."""

"""Bundled fake NinjaOne and ThreatLocker servers and the generated MSP they serve."""
from collectors.simulators.dataset import EXCEPTION_TYPES, MSPDataset, generate_msp, install_aliases
from collectors.simulators.servers import NinjaSimulator, ThreatLockerSimulator, VendorSimulators

__all__ = [
    "EXCEPTION_TYPES", "MSPDataset", "NinjaSimulator", "ThreatLockerSimulator", "VendorSimulators",
    "generate_msp", "install_aliases",
]

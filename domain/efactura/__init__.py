"""e-Factura: UBL out (generation, validation), the SPV round trip, and what arrives from SPV."""

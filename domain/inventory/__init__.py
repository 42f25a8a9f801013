"""Stock: warehouses, moves, valuation (CMP/FIFO), receptions, transfers, adjustments."""

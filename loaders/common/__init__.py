"""Parts several sources share (wallet chains, CSV files, values); never a source itself."""

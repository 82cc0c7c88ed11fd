"""What coordinators see of their municipality: /indicadores (a chart and a CSV file) and the
weekly digest."""

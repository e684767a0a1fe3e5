"""Measurement quality: item and test analysis, standard setting, agreement and outcome dashboards."""

"""The Streamlit dashboard: pages assemble numbers from `pipelines` (through data.py, the only door
to the store, cached) and draw them with charts.py; labels come from i18n.py."""

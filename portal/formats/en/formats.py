# English pages write dates as the portal always has (6 December 2026), not Django's US default
# for "en"; Spanish pages use Django's own Spanish formats (6 de diciembre de 2026).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

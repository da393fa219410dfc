"""What every gunicorn of this project shares: deploy/serve.sh, `make bench`, `make loadtest` and the
two-instance test all start gunicorn in this folder, and gunicorn reads this file from there."""

# A search can arrive as a long address (pasted, or typed into the address bar). gunicorn's default
# refuses a request line over 4,094 bytes with its own bare 414 before the portal sees it, while
# nginx in front passes up to 8 KB. At 8,190, the most gunicorn allows, the portal answers itself:
# the search is cut to its first words, with a note that says so.
limit_request_line = 8190

# The access log (deploy/serve.sh turns it on) names no client and keeps no query string, referrer
# or browser: a query holds what a patient searched for. The request ID joins a line to the app's.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

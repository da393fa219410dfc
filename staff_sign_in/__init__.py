"""Staff sign-in to the admin: the hospital's identity provider (OpenID Connect or LDAP / Active
Directory) with roles from its groups, and a second factor for local accounts."""

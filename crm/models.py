"""Platform tables shared by every business area (none of them imports a business area)."""

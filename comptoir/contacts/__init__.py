"""Customers: companies, people, dated affiliations, sites, contact points, reference lists."""

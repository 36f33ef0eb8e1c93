"""Matching a booking to helpers (DESIGN §6), one module per concern:

- ``scoring``: how well a helper fits a booking — a pure function of plain values;
- ``waves``: the wave policy (how many, how wide, how long an offer stays open) — pure;
- ``candidates``: who may be asked — one SQL query over the helpers near the booking;
- ``offers``: writes on offers that every booking change may need (withdraw, expire);
- ``dispatch``: the search itself — send the next wave, sweep due searches, give up;
- ``responses``: a helper accepts or declines; staff assign a helper by hand.
"""

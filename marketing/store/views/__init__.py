"""Storefront pages, one module per topic (STYLE §1). Writes go through `actions`.

    public      product pages (list, detail, cover and sample files), the certificate check
    cart        the buyer's cart and checkout
    orders      the buyer's orders: list, detail, pay, cancel, invoice
    grants      the buyer's licences: certificate, renew, upgrade, download, online access
    sales       the selling unit's sales figures, revenue CSV and coupons
    catalogue   the selling unit's products, licence options, tier prices, publishing
    shipments   the discs to post, posted and delivered
    common      small helpers the modules share

urls.py and urls_licences.py import the modules; nothing is re-exported here.
"""

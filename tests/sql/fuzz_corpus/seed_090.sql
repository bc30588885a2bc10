SELECT CURRENT_WATERMARK(`$rowtime`) AS wm, order_id FROM examples.marketplace.orders

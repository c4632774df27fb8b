import { Router } from "express";
import pino from "pino";

const logger = pino({ name: "web.cart" });
export const cartRouter = Router();

const carts = new Map<string, string[]>();

cartRouter.post("/:id/items", (req, res) => {
  const items = carts.get(req.params.id) ?? [];
  items.push(req.body.sku);
  carts.set(req.params.id, items);
  logger.info(`Cart ${req.params.id} updated: ${items.length} items`);
  res.json({ items });
});

cartRouter.get("/:id", (req, res) => {
  const items = carts.get(req.params.id);
  if (!items) {
    logger.warn(`Cart ${req.params.id} not found`);
    res.status(404).end();
    return;
  }
  logger.debug(`Cart ${req.params.id} loaded from cache`);
  res.json({ items });
});

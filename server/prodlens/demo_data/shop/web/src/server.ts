import express, { NextFunction, Request, Response } from "express";
import pino from "pino";
import { cartRouter } from "./cart";

const logger = pino({ name: "web" });
const app = express();

app.use((req: Request, res: Response, next: NextFunction) => {
  const started = Date.now();
  res.on("finish", () => {
    const ms = Date.now() - started;
    logger.info(`Request ${req.method} ${req.path} completed with ${res.statusCode} in ${ms}ms`);
  });
  next();
});

app.use((req: Request, res: Response, next: NextFunction) => {
  if (rateLimited(req.ip ?? "unknown")) {
    logger.warn(`Rate limit exceeded for ${req.ip}`);
    res.status(429).end();
    return;
  }
  next();
});

app.use("/cart", cartRouter);

app.post("/checkout", async (req: Request, res: Response) => {
  try {
    const receipt = await callCheckout(req.body);
    res.json(receipt);
  } catch (err: any) {
    logger.error(`Upstream checkout failed: ${err.message}`);
    res.status(502).json({ error: "checkout unavailable" });
  }
});

async function callCheckout(body: unknown, attempt = 1): Promise<unknown> {
  const response = await fetch("http://checkout:8080/checkout", { method: "POST", body: JSON.stringify(body) });
  if (response.status === 503 && attempt < 3) {
    logger.info("Retrying request %s (attempt %d)", response.headers.get("x-request-id"), attempt + 1);
    return callCheckout(body, attempt + 1);
  }
  return response.json();
}

function rateLimited(ip: string): boolean {
  return ip.startsWith("10.66.");
}

app.listen(3000, () => logger.info("web listening on port 3000"));

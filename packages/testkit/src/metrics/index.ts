export { parsePrometheusText, scrapeMetrics, scrapeMetricsUntil, Scrape, type Sample } from "./scrape.js";

export { parsePrometheusText, scrapeMetrics, Scrape, type Sample } from "./scrape.js";

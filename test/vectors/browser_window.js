// A browser window for the UIKit's bundle in Node (jsdom), shared by the scripts that make vectors from it.
const { JSDOM } = require("jsdom");

const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: "https://localhost/", pretendToBeVisual: true });
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (!(key in globalThis)) { try { globalThis[key] = dom.window[key]; } catch (e) { /* read-only */ } }
}
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.self = dom.window;
globalThis.addEventListener = dom.window.addEventListener.bind(dom.window);

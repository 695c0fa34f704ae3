// Makes test/vectors/uikit-kit-readings.json: how ZEGOCLOUD's UIKit itself reads the login fields of a kit
// token, for kit parts written as the UIKit writes them and as people and other code write them.
//
//   npm install @zegocloud/zego-uikit-prebuilt@2.18.4 jsdom@24
//   node test/vectors/make_uikit_readings.js > test/vectors/uikit-kit-readings.json
//
// The UIKit reads a kit token in an internal function (it splits at "#", atob, JSON.parse, 1*appID,
// decodeURIComponent(userName)) that the package does not export. This script loads the package's own
// bundle with one statement added before that function, which hands it out; it is then called on each
// kit part and what it returns (or the error it throws) is recorded. Nothing of the package is copied here.
const fs = require("fs");
const Module = require("module");
const path = require("path");
require("./browser_window.js");  // the window the browser bundle expects

const bundlePath = require.resolve("@zegocloud/zego-uikit-prebuilt");
const packageVersion = require("@zegocloud/zego-uikit-prebuilt/package.json").version;
const reader = /function (\w+)\(e\)\{if\(e\.split\("#"\)\.length>1\)\{const t=JSON\.parse\(window\.atob/;
const source = fs.readFileSync(bundlePath, "utf8");
const found = source.match(reader);
if (!found) throw new Error("the UIKit's kit-token reader was not found in this version of the bundle");
const patched = source.replace(reader, (whole, name) => `globalThis.__readKitToken=${name};${whole}`);
const bundle = new Module(bundlePath, module);
bundle.filename = bundlePath;
bundle.paths = Module._nodeModulePaths(path.dirname(bundlePath));
bundle._compile(patched, bundlePath);
const readKitToken = globalThis.__readKitToken;

const TOKEN = "04AAAAAGsFuIAAEDgwMTYyMDI1MTk3NjkxNDIAYBtJkxp6E5P8luPNa/0F8Zq+5AIKyDXE==";
const fields = (overrides) => JSON.stringify({ userID: "demo", roomID: "room1", userName: "Ann%20Lee", appID: 1, ...overrides });
const b64 = (text) => btoa(text);
const parts = {
  "canonical": b64(fields({})),
  "appID string": b64(fields({ appID: "1" })),
  "appID string with spaces": b64(fields({ appID: " 7 " })),
  "appID hex string": b64(fields({ appID: "0x10" })),
  "appID exponent string": b64(fields({ appID: "1e3" })),
  "appID fraction string": b64(fields({ appID: "1.5" })),
  "appID word": b64(fields({ appID: "abc" })),
  "appID empty string": b64(fields({ appID: "" })),
  "appID true": b64(fields({ appID: true })),
  "appID null": b64(fields({ appID: null })),
  "appID zero": b64(fields({ appID: 0 })),
  "appID too large": b64(fields({ appID: 4294967296 })),
  "appID largest": b64(fields({ appID: "4294967295" })),
  "appID 1.5": b64(fields({ appID: 1.5 })),
  "appID missing": b64(JSON.stringify({ userID: "demo", roomID: "room1", userName: "Ann" })),
  "userName lower-case escapes": b64(fields({ userName: "%e6%9d%8e%20Lee" })),
  "userName unescaped": b64(fields({ userName: "a b+c/d" })),
  "userName Latin-1 as is": b64(fields({ userName: "Andr\u00e9" })),
  "userName missing": b64(JSON.stringify({ userID: "demo", roomID: "room1", appID: 1 })),
  "userName null": b64(fields({ userName: null })),
  "userName number": b64(fields({ userName: 5 })),
  "userName broken escape": b64(fields({ userName: "%zz" })),
  "userName not UTF-8": b64(fields({ userName: "%ff" })),
  "userName lone percent": b64(fields({ userName: "100%" })),
  "members in another order": b64(JSON.stringify({ appID: 1, roomID: "room1", userName: "Ann", userID: "demo" })),
  "an extra member": b64(fields({ extra: [1, 2] })),
  "userID twice": b64('{"userID":"demo","userID":"mallory","roomID":"room1","userName":"","appID":1}'),
  "userID a number": b64(fields({ userID: 42 })),
  "roomID missing": b64(JSON.stringify({ userID: "demo", userName: "", appID: 1 })),
  "no padding": b64(fields({ userName: "A" })).replace(/=+$/, ""),
  "whitespace in the base64": b64(fields({})).replace(/(.{8})/g, "$1\n"),
  "spare bits set": (() => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const text = b64(fields({ userName: "ABCD" }));  // ends with "=": the last data character has spare bits
    const at = text.indexOf("=") - 1;
    return text.slice(0, at) + alphabet[alphabet.indexOf(text[at]) ^ 1] + text.slice(at + 1);
  })(),
  "not base64": "not base64!",
  "not JSON": b64("not json"),
  "a JSON array": b64("[1,2]"),
  "a JSON string": b64('"demo"'),
  "JSON with NaN": b64('{"userID":"demo","roomID":"r","userName":"","appID":NaN}'),
};
const readings = [];
for (const [name, part] of Object.entries(parts)) {
  const row = { name, fields_part: part };
  try {
    const read = readKitToken(TOKEN + "#" + part);
    row.read = {
      appID: Number.isNaN(read.appID) ? "NaN" : read.appID,
      userID: read.userID === undefined ? null : read.userID,  // undefined: no such member
      roomID: read.roomID === undefined ? null : read.roomID,
      userName: read.userName,
    };
  } catch (error) {
    row.error = error.name;
  }
  readings.push(row);
}
process.stdout.write(JSON.stringify({
  made_by: `@zegocloud/zego-uikit-prebuilt ${packageVersion} in Node ${process.version} (test/vectors/make_uikit_readings.js)`,
  readings,
}, null, 1) + "\n");
process.exit(0);

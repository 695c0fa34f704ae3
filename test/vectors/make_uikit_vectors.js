// Makes test/vectors/uikit-kit-tokens.json by running ZEGOCLOUD's own UIKit code in Node.
//
//   npm install @zegocloud/zego-uikit-prebuilt@2.18.4 jsdom
//   node test/vectors/make_uikit_vectors.js > test/vectors/uikit-kit-tokens.json
//
// The package is a browser bundle: jsdom gives it the window it expects. Nothing of the
// package is copied here; this only calls its two public functions and records what they return.
require("./browser_window.js");  // the window the browser bundle expects
const { ZegoUIKitPrebuilt } = require("@zegocloud/zego-uikit-prebuilt");
const packageVersion = require("@zegocloud/zego-uikit-prebuilt/package.json").version;

const SECRET = "fa94dd0f974cf2e293728a526b028271";
const OTHER_SECRET = "0123456789abcdef0123456789abcdef";
const TOKEN = "04AAAAAGsFuIAAEDgwMTYyMDI1MTk3NjkxNDIAYBtJkxp6E5P8luPNa/0F8Zq+5AIKyDXE==";
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

// generateKitTokenForTest: a token04 made in the browser (five-member body) wrapped as a kit token.
const forTest = [
  [1, SECRET, "room1", "user1", "Ann Lee", 3600],
  [2913569222, OTHER_SECRET, "room_2", "u-2", "Bo", 86400],  // the test generator refuses an empty userName
  [4294967295, SECRET, "", "42", "李雷", 60],
  [7, OTHER_SECRET, "r!@#$%^&*()", "u~`;',.<>", "O'Brien (QA) 100%", 7200],
].map(([appID, secret, roomID, userID, userName, seconds]) => ({
  app_id: appID, secret, room_id: roomID, user_id: userID, user_name: userName, effective: seconds,
  kit_token: ZegoUIKitPrebuilt.generateKitTokenForTest(appID, secret, roomID, userID, userName, seconds),
}));

// generateKitTokenForProduction: a server-made token04 wrapped with the login fields.
const names = ["", "Ann Lee", PRINTABLE, "é ÿ ß", "李雷", "😀", "a\u0000b\n\t\u001f\u007f", "\ud800", "a\udfffb",
  "-_.!~*'()", "a+b=c&d/e?f#g", "100%"];
const ids = ["user1", "", "é", "ÿ", "李", "😀", 'q"u\\o/te', "\u0001\u001f\b\f\n\r\t", "\u007f\u0080", "\u2028",
  "\ud800", "a\udfffb", PRINTABLE];
const production = [];
function produce(appID, token, roomID, userID, userName) {
  const row = { app_id: appID, token, room_id: roomID, user_id: userID, user_name: userName };
  try {
    row.kit_token = ZegoUIKitPrebuilt.generateKitTokenForProduction(appID, token, roomID, userID, userName);
  } catch (error) {
    row.error = error.name;
  }
  production.push(row);
}
for (const name of names) produce(1, TOKEN, "room1", "user1", name);
for (const id of ids) {
  produce(4294967295, TOKEN, "room1", id, "n");
  produce(2913569222, TOKEN, id, "user1", "n");
}
produce(1, "", "", "", "");

process.stdout.write(JSON.stringify({
  made_by: `@zegocloud/zego-uikit-prebuilt ${packageVersion} in Node ${process.version} (test/vectors/make_uikit_vectors.js)`,
  for_test: forTest,
  for_production: production,
}, null, 1) + "\n");
process.exit(0);

// Starts the web app. A file, not an inline script: the Content-Security-Policy
// allows no inline code.
import init from '/tillit.js';
init();

// A module-level Map that gains an entry per request and never loses one.
const express = require('express');

const app = express();
const seen = new Map();

app.get('/visit', (req, res) => {
  seen.set(req, Date.now());
  res.end('ok');
});

-- Neovim 0.11+: put this directory on 'runtimepath' (or copy this file to
-- ~/.config/nvim/lsp/leaklint.lua) and call vim.lsp.enable('leaklint').
return {
  cmd = { 'leaklint', 'lsp' },
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact' },
  root_markers = { '.leaklintrc.json', 'package.json', '.git' },
}

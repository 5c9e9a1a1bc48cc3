-- leaklint's language server in Neovim 0.7 and newer.
--
--   require('leaklint').setup()                      -- `leaklint` on PATH
--   require('leaklint').setup({ cmd = { '/path/to/leaklint', 'lsp' } })
--
-- On 0.11+ this is `vim.lsp.config` + `vim.lsp.enable`; on 0.7-0.10 a
-- FileType autocommand starts one client per project root with
-- `vim.lsp.start_client` and attaches each buffer to it.
local M = {}

M.filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact' }

-- The nearest directory holding one of these is the project root.
M.root_markers = { '.leaklintrc.json', 'package.json', '.git' }

local function find_root(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.loop.cwd()
  local start = dir
  while dir do
    for _, marker in ipairs(M.root_markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

-- opts: cmd (default { 'leaklint', 'lsp' }), and optionally handlers, on_attach, on_exit,
-- passed through to the client.
function M.setup(opts)
  opts = opts or {}
  local config = {
    name = 'leaklint',
    cmd = opts.cmd or { 'leaklint', 'lsp' },
    handlers = opts.handlers,
    on_attach = opts.on_attach,
    on_exit = opts.on_exit,
  }

  if vim.fn.has('nvim-0.11') == 1 then
    config.filetypes = M.filetypes
    config.root_markers = M.root_markers
    vim.lsp.config('leaklint', config)
    vim.lsp.enable('leaklint')
    return
  end

  local clients = {} -- project root -> client id
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('leaklint_lsp', { clear = true }),
    pattern = M.filetypes,
    callback = function(args)
      local bufnr = args.buf
      if vim.api.nvim_buf_get_option(bufnr, 'buftype') ~= '' then
        return
      end
      local root = find_root(bufnr)
      local id = clients[root]
      local client = id and vim.lsp.get_client_by_id(id)
      if not client or client.is_stopped() then
        id = vim.lsp.start_client(vim.tbl_extend('force', config, { root_dir = root }))
        clients[root] = id
      end
      if id then
        vim.lsp.buf_attach_client(bufnr, id)
      end
    end,
  })
end

return M

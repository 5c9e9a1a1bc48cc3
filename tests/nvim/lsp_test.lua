-- Drives `leaklint lsp` from a real Neovim (0.7+) through the client
-- configuration in editors/neovim/leaklint.lua: open a file, wait for the
-- diagnostics, apply the "disable for this line" code action, wait for the
-- re-check, stop the server. Prints one JSON object on stdout, which
-- crates/leaklint_cli/tests/lsp_nvim.rs checks.
--
--   LEAKLINT_BIN=target/debug/leaklint LEAKLINT_REPO=. \
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/nvim/lsp_test.lua'

local result = { steps = {} }

local function step(name)
  table.insert(result.steps, name)
end

local function run()
  local bin = assert(os.getenv('LEAKLINT_BIN'), 'LEAKLINT_BIN is not set')
  local repo = assert(os.getenv('LEAKLINT_REPO'), 'LEAKLINT_REPO is not set')
  local fixture = repo .. '/tests/nvim/project/leak.js'

  local exited = nil
  dofile(repo .. '/editors/neovim/leaklint.lua').setup({
    cmd = { bin, 'lsp' },
    on_exit = function(code, signal)
      exited = { code = code, signal = signal }
    end,
  })

  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  local bufnr = vim.api.nvim_get_current_buf()
  -- `-u NONE` turns filetype detection off; setting it fires the setup's autocommand.
  vim.cmd('setfiletype javascript')
  step('opened')

  -- Read through vim.diagnostic, so pushed (0.7) and pulled (0.11) diagnostics both count.
  local function received()
    return vim.tbl_map(function(d)
      local lsp = (d.user_data or {}).lsp or {}
      return {
        code = lsp.code or d.code,
        href = (lsp.codeDescription or {}).href,
        source = d.source,
        severity = d.severity,
        message = d.message,
        related = #(lsp.relatedInformation or {}),
        start = { line = d.lnum, character = d.col },
        ['end'] = { line = d.end_lnum, character = d.end_col },
      }
    end, vim.diagnostic.get(bufnr))
  end
  if not vim.wait(20000, function() return #received() > 0 end, 20) then
    error('no diagnostics from leaklint within 20 s')
  end
  step('diagnostics')
  result.diagnostics = received()
  local diagnostic = result.diagnostics[1]

  local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  local client = vim.tbl_filter(function(c) return c.name == 'leaklint' end, get_clients())[1]
  -- What a code action request at the diagnostic sends (the fixture is ASCII, so columns agree in every encoding).
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = diagnostic.start, ['end'] = diagnostic['end'] },
    context = { diagnostics = {} },
  }, 20000)
  if responses == nil then
    error('no answer to textDocument/codeAction within 20 s')
  end
  local actions = {}
  for _, response in pairs(responses or {}) do
    -- The field is `error` on 0.7 and `err` on newer versions.
    if response.err or response.error then
      error('codeAction failed: ' .. vim.inspect(response.err or response.error))
    end
    for _, action in ipairs(response.result or {}) do
      table.insert(actions, action)
    end
  end
  result.action_titles = vim.tbl_map(function(a) return a.title end, actions)
  step('code actions')

  local disable = nil
  for _, action in ipairs(actions) do
    if action.title:match('^Disable ') then
      disable = action
    end
  end
  if disable == nil then
    error('no "Disable ... for this line" action among ' .. vim.inspect(result.action_titles))
  end
  result.applied = disable.title
  vim.lsp.util.apply_workspace_edit(disable.edit, client.offset_encoding or 'utf-16')
  result.buffer_after = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  step('applied')

  -- The edit reaches the server as an incremental didChange; the re-check must drop the finding.
  if not vim.wait(20000, function() return #received() == 0 end, 20) then
    error('the finding was still reported 20 s after the edit: ' .. vim.inspect(received()))
  end
  result.diagnostics_after = received()
  step('rechecked')

  vim.lsp.stop_client(client.id)
  if not vim.wait(20000, function() return exited ~= nil end, 20) then
    error('leaklint did not exit within 20 s of shutdown')
  end
  result.exit = exited
  step('stopped')
end

local ok, err = pcall(run)
if not ok then
  result.error = tostring(err)
end
io.stdout:write(vim.fn.json_encode(result) .. '\n')
io.stdout:flush()
vim.cmd(ok and 'qall!' or 'cquit!')

-- Neovim 0.7 headless as a prodlens client: start the server, collect lens titles and one hover, write them
-- as JSON, quit. Driven by tests/e2e/test_neovim.py through environment variables:
--   PRODLENS_PYTHON  python executable that has prodlens installed
--   PRODLENS_ROOT    workspace root
--   PRODLENS_OUT     where to write the JSON result
--   PRODLENS_HOVER_LINE  0-based line to hover
--   PRODLENS_WAIT_FOR    text a lens title must contain before we stop waiting (counts arrived)
local out_path = os.getenv('PRODLENS_OUT')
local result = { lenses = {}, hover = nil, errors = {} }

local function finish()
  local f = io.open(out_path, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local function run()
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'prodlens',
    cmd = { os.getenv('PRODLENS_PYTHON'), '-m', 'prodlens', 'serve' },
    root_dir = os.getenv('PRODLENS_ROOT'),
    on_error = function(code) table.insert(result.errors, 'client error ' .. tostring(code)) end,
  })
  if not client_id then
    table.insert(result.errors, 'start_client failed')
    return
  end
  vim.lsp.buf_attach_client(buf, client_id)
  local wanted = os.getenv('PRODLENS_WAIT_FOR') or 'hits'
  local function titles()
    local found = {}
    for _, lens in ipairs(vim.lsp.codelens.get(buf) or {}) do
      if lens.command and lens.command.title then
        table.insert(found, { line = lens.range.start.line, title = lens.command.title })
      end
    end
    return found
  end
  local function has_counts()
    for _, lens in ipairs(titles()) do
      if string.find(lens.title, wanted, 1, true) then return true end
    end
    return false
  end
  -- Neovim 0.7 has no workspace/codeLens/refresh handler: the user (here, this loop) asks again.
  vim.wait(90000, function()
    local client = vim.lsp.get_client_by_id(client_id)
    if client and client.initialized then
      vim.lsp.codelens.refresh()
      vim.wait(300)
      return has_counts()
    end
    return false
  end, 200)
  result.lenses = titles()
  local line = tonumber(os.getenv('PRODLENS_HOVER_LINE') or '0')
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    position = { line = line, character = 8 },
  }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 30000)
  for _, response in pairs(responses or {}) do
    if response.result and response.result.contents then
      result.hover = response.result.contents.value
    elseif response.err then
      table.insert(result.errors, vim.inspect(response.err))
    end
  end
  local client = vim.lsp.get_client_by_id(client_id)
  if client then
    local caps = vim.lsp.protocol.make_client_capabilities()
    result.show_document = caps.window and caps.window.showDocument and caps.window.showDocument.support or false
    client.stop()
    vim.wait(2000, function() return client.is_stopped() end, 50)
  end
end

-- The file named on the command line is loaded after this script runs: start once Neovim has entered.
vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local ok, err = pcall(run)
    if not ok then table.insert(result.errors, tostring(err)) end
    finish()
  end,
})

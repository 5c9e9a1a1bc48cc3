//! The message loop: document state, requests, and publishing results as
//! the analysis thread delivers them.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender, select};
use leaklint_config::{ConfigError, ConfigResolver};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    Cancel, DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Exit, Initialized, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, DocumentDiagnosticRequest, RegisterCapability, Request as _, Shutdown,
    WorkspaceDiagnosticRefresh,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability, DiagnosticOptions,
    DiagnosticServerCapabilities, DidChangeWatchedFilesRegistrationOptions, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FileSystemWatcher, FullDocumentDiagnosticReport,
    GlobPattern, InitializeParams, InitializeResult, MessageType, NumberOrString, PublishDiagnosticsParams,
    Registration, RegistrationParams, RelatedFullDocumentDiagnosticReport, SaveOptions, ServerCapabilities, ServerInfo,
    ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use serde_path_to_error::Segment;

use crate::actions::{FIX_ALL_KIND, code_actions};
use crate::analysis::{self, Analysis, Job, config_problem, is_config_file};
use crate::document::{Document, file_path, file_uri};
use crate::position::Encoding;

/// How the session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `exit` after `shutdown`: status 0.
    Exited,
    /// `exit` without `shutdown`: status 1, as the protocol asks.
    ExitedWithoutShutdown,
    /// The client closed the stream without `exit`: status 1.
    Disconnected,
    /// The session could not start: status 1.
    Failed(String),
}

impl Outcome {
    pub fn code(&self) -> u8 {
        match self {
            Outcome::Exited => 0,
            _ => 1,
        }
    }
}

/// A request that waits for the analysis of its document's current version.
enum Waiter {
    CodeActions(RequestId, CodeActionParams),
    PullDiagnostics(RequestId),
}

impl Waiter {
    fn id(&self) -> &RequestId {
        match self {
            Waiter::CodeActions(id, _) | Waiter::PullDiagnostics(id) => id,
        }
    }
}

struct Server {
    sender: Sender<Message>,
    jobs: Sender<Job>,
    configs: Arc<ConfigResolver>,
    encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`), so none are pushed.
    pull: bool,
    /// The client can be asked to pull again after a configuration change.
    pull_refresh: bool,
    /// The client watches `.leaklintrc.json` for us; without that, the
    /// configuration is re-read whenever a document is opened or saved.
    watches_config: bool,
    documents: HashMap<Uri, Document>,
    /// The latest analysis of each open document's current version.
    analyses: HashMap<Uri, Analysis>,
    waiters: HashMap<Uri, Vec<Waiter>>,
    /// Configuration files with an error published on them, and the error.
    broken_configs: HashMap<PathBuf, String>,
    /// Errors already shown as a message, so each is shown once.
    shown_errors: HashSet<String>,
    shutdown_requested: bool,
    next_request: i32,
}

/// Run a session on a connection whose other end is the client.
pub fn run(sender: Sender<Message>, receiver: Receiver<Message>) -> Outcome {
    let (id, params) = match wait_for_initialize(&sender, &receiver) {
        Ok(init) => init,
        Err(outcome) => return outcome,
    };
    // lsp-types has no field for `workspace.diagnostics`, so it is read from the JSON.
    let pull_refresh = params.pointer("/capabilities/workspace/diagnostics/refreshSupport") == Some(&true.into());
    let params = initialize_params(params);
    let capabilities = &params.capabilities;
    let encoding = Encoding::negotiate(capabilities.general.as_ref().and_then(|g| g.position_encodings.as_deref()));
    let pull = capabilities.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some());
    let result = InitializeResult {
        capabilities: server_capabilities(encoding, pull),
        server_info: Some(ServerInfo { name: "leaklint".to_string(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
    };
    if sender.send(Response::new_ok(id, result).into()).is_err() {
        return Outcome::Disconnected;
    }
    let configs = match ConfigResolver::new(None) {
        Ok(configs) => Arc::new(configs),
        Err(err) => return Outcome::Failed(err.to_string()),
    };
    let (jobs, job_receiver) = crossbeam_channel::unbounded();
    let (result_sender, results) = crossbeam_channel::unbounded();
    let worker_configs = Arc::clone(&configs);
    // The parser and the passes after it recurse once per level of nesting:
    // the analysis runs on threads with room for deep code.
    let pool = match rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("leaklint-analysis-{i}"))
        .stack_size(leaklint_core::ANALYSIS_STACK_BYTES)
        .build()
    {
        Ok(pool) => pool,
        Err(err) => return Outcome::Failed(format!("cannot start the analysis threads: {err}")),
    };
    let worker = std::thread::Builder::new()
        .name("leaklint-analysis".into())
        .spawn(move || pool.install(|| analysis::run(job_receiver, result_sender, worker_configs, encoding)));
    if let Err(err) = worker {
        return Outcome::Failed(format!("cannot start the analysis thread: {err}"));
    }
    let mut server = Server {
        sender,
        jobs,
        configs,
        encoding,
        pull,
        pull_refresh,
        watches_config: capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        documents: HashMap::new(),
        analyses: HashMap::new(),
        waiters: HashMap::new(),
        broken_configs: HashMap::new(),
        shown_errors: HashSet::new(),
        shutdown_requested: false,
        next_request: 0,
    };
    server.main_loop(&receiver, &results)
}

/// The `initialize` parameters, leaving out each part the client sent with
/// the wrong type (`positionEncodings: ["utf-7", 5]`): all of it is optional,
/// and a client that gets one capability wrong should still be served.
fn initialize_params(mut params: serde_json::Value) -> InitializeParams {
    // Each round drops the field that failed; a bound keeps a pathological value from taking long.
    for _ in 0..64 {
        let error = match serde_path_to_error::deserialize::<_, InitializeParams>(&params) {
            Ok(parsed) => return parsed,
            Err(error) => error,
        };
        eprintln!("leaklint lsp: ignored an initialize parameter: {error}");
        let path: Vec<&Segment> = error.path().iter().collect();
        if !remove_field(&mut params, &path) {
            break;
        }
    }
    InitializeParams::default()
}

/// Remove the innermost object field on `path` (`capabilities.general.positionEncodings[1]`
/// removes `positionEncodings`); whether there was one.
fn remove_field(value: &mut serde_json::Value, path: &[&Segment]) -> bool {
    let Some(last_field) = path.iter().rposition(|segment| matches!(segment, Segment::Map { .. })) else {
        return false;
    };
    let mut object = value;
    for segment in &path[..last_field] {
        let next = match segment {
            Segment::Seq { index } => object.get_mut(*index),
            Segment::Map { key } => object.get_mut(key.as_str()),
            _ => None,
        };
        let Some(next) = next else { return false };
        object = next;
    }
    let Segment::Map { key } = path[last_field] else { return false };
    object.as_object_mut().is_some_and(|fields| fields.remove(key).is_some())
}

fn server_capabilities(encoding: Encoding, pull: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..Default::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::from(FIX_ALL_KIND.to_string())]),
            ..Default::default()
        })),
        diagnostic_provider: pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("leaklint".to_string()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                ..Default::default()
            })
        }),
        ..Default::default()
    }
}

/// Answer requests before `initialize` with `ServerNotInitialized`; drop
/// notifications; `exit` ends the session.
fn wait_for_initialize(
    sender: &Sender<Message>,
    receiver: &Receiver<Message>,
) -> Result<(RequestId, serde_json::Value), Outcome> {
    loop {
        match receiver.recv() {
            Err(_) => return Err(Outcome::Disconnected),
            Ok(Message::Request(req)) if req.method == "initialize" => return Ok((req.id, req.params)),
            Ok(Message::Request(req)) => {
                let error = Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("`{}` before `initialize`", req.method),
                );
                if sender.send(error.into()).is_err() {
                    return Err(Outcome::Disconnected);
                }
            }
            Ok(Message::Notification(n)) if n.method == Exit::METHOD => return Err(Outcome::ExitedWithoutShutdown),
            Ok(_) => {}
        }
    }
}

impl Server {
    fn main_loop(&mut self, receiver: &Receiver<Message>, results: &Receiver<Analysis>) -> Outcome {
        loop {
            select! {
                recv(receiver) -> message => match message {
                    Err(_) => return Outcome::Disconnected,
                    Ok(Message::Request(req)) => self.on_request(req),
                    Ok(Message::Notification(n)) if n.method == Exit::METHOD => {
                        return if self.shutdown_requested { Outcome::Exited } else { Outcome::ExitedWithoutShutdown };
                    }
                    Ok(Message::Notification(n)) => self.on_notification(n),
                    // Answers to our registration and refresh requests: nothing to do either way.
                    Ok(Message::Response(_)) => {}
                },
                recv(results) -> analysis => match analysis {
                    Ok(analysis) => self.on_analysis(analysis),
                    Err(_) => return Outcome::Failed("the analysis thread stopped".to_string()),
                },
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // A send fails only when the writer is gone; the next read then ends the session.
        let _ = self.sender.send(message.into());
    }

    fn reply<R: serde::Serialize>(&self, id: RequestId, result: R) {
        self.send(Response::new_ok(id, result));
    }

    fn on_request(&mut self, req: Request) {
        if self.shutdown_requested {
            self.send(Response::new_err(
                req.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
            return;
        }
        match req.method.as_str() {
            Shutdown::METHOD => {
                self.shutdown_requested = true;
                self.reply(req.id, ());
            }
            CodeActionRequest::METHOD => match serde_json::from_value::<CodeActionParams>(req.params) {
                Ok(params) => {
                    let uri = params.text_document.uri.clone();
                    self.answer_when_analysed(uri, Waiter::CodeActions(req.id, params));
                }
                Err(err) => self.invalid_params(req.id, err),
            },
            DocumentDiagnosticRequest::METHOD => match serde_json::from_value::<DocumentDiagnosticParams>(req.params) {
                Ok(params) => self.answer_when_analysed(params.text_document.uri, Waiter::PullDiagnostics(req.id)),
                Err(err) => self.invalid_params(req.id, err),
            },
            _ => self.send(Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("leaklint does not handle `{}`", req.method),
            )),
        }
    }

    fn invalid_params(&self, id: RequestId, err: serde_json::Error) {
        self.send(Response::new_err(id, ErrorCode::InvalidParams as i32, format!("invalid parameters: {err}")));
    }

    /// Answer at once when the current version is analysed, else when it is.
    fn answer_when_analysed(&mut self, uri: Uri, waiter: Waiter) {
        let Some(document) = self.documents.get(&uri) else {
            self.answer(waiter, None);
            return;
        };
        match self.analyses.get(&uri) {
            Some(analysis) if analysis.version == document.version => self.answer(waiter, Some(analysis)),
            _ => self.waiters.entry(uri).or_default().push(waiter),
        }
    }

    /// Answer from `analysis`, or with nothing for a document that is not open.
    fn answer(&self, waiter: Waiter, analysis: Option<&Analysis>) {
        match waiter {
            Waiter::CodeActions(id, params) => {
                let actions =
                    analysis.map(|a| code_actions(a, params.range, params.context.only.as_deref(), self.encoding));
                self.reply(id, actions.unwrap_or_default());
            }
            Waiter::PullDiagnostics(id) => {
                let items = analysis.map(|a| a.diagnostics.clone()).unwrap_or_default();
                let report = DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
                    RelatedFullDocumentDiagnosticReport {
                        related_documents: None,
                        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
                    },
                ));
                self.reply(id, report);
            }
        }
    }

    fn on_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            Initialized::METHOD => self.register_config_watcher(),
            DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                let doc = params.text_document;
                if !self.watches_config {
                    self.configs.clear_cache();
                }
                let document = Document::new(doc.uri.clone(), &doc.language_id, doc.version, doc.text);
                self.documents.insert(doc.uri.clone(), document);
                self.analyses.remove(&doc.uri);
                self.schedule(&doc.uri);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = params.text_document.uri;
                let Some(document) = self.documents.get_mut(&uri) else { return };
                document.apply_changes(params.text_document.version, params.content_changes, self.encoding);
                self.schedule(&uri);
            }
            DidSaveTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = params.text_document.uri;
                if file_path(&uri).is_some_and(|p| is_config_file(&p)) {
                    self.reload_configuration();
                } else if !self.watches_config {
                    self.configs.clear_cache();
                    self.schedule(&uri);
                } else {
                    self.schedule(&uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = params.text_document.uri;
                self.documents.remove(&uri);
                self.analyses.remove(&uri);
                for waiter in self.waiters.remove(&uri).unwrap_or_default() {
                    self.answer(waiter, None);
                }
                if !self.pull {
                    self.publish(uri, Vec::new(), None);
                }
            }
            DidChangeConfiguration::METHOD => self.reload_configuration(),
            DidChangeWatchedFiles::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params) else {
                    return;
                };
                if params.changes.iter().any(|c| file_path(&c.uri).is_some_and(|p| is_config_file(&p))) {
                    self.reload_configuration();
                }
            }
            Cancel::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::CancelParams>(n.params) else { return };
                let id = match params.id {
                    NumberOrString::Number(n) => RequestId::from(n),
                    NumberOrString::String(s) => RequestId::from(s),
                };
                self.cancel(&id);
            }
            _ => {}
        }
    }

    /// Answer a waiting request with `RequestCancelled`; one already answered is left alone.
    fn cancel(&mut self, id: &RequestId) {
        for waiters in self.waiters.values_mut() {
            if let Some(i) = waiters.iter().position(|w| w.id() == id) {
                waiters.remove(i);
                self.send(Response::new_err(id.clone(), ErrorCode::RequestCanceled as i32, "cancelled".into()));
                return;
            }
        }
    }

    fn schedule(&self, uri: &Uri) {
        let Some(document) = self.documents.get(uri) else { return };
        let _ = self.jobs.send(Job {
            uri: uri.clone(),
            version: document.version,
            text: Arc::clone(&document.text),
            path: document.path.clone(),
            on_disk: document.on_disk,
        });
    }

    /// Forget parsed configuration and check every open document again.
    fn reload_configuration(&mut self) {
        self.configs.clear_cache();
        self.shown_errors.clear();
        // A broken file that was deleted will not be read again to clear its mark.
        let deleted: Vec<PathBuf> = self.broken_configs.keys().filter(|p| !p.exists()).cloned().collect();
        for path in deleted {
            self.broken_configs.remove(&path);
            if let Some(uri) = file_uri(&path) {
                self.publish(uri, Vec::new(), None);
            }
        }
        // Requests from now on wait for results under the new configuration.
        self.analyses.clear();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in &uris {
            self.schedule(uri);
        }
        if self.pull && self.pull_refresh {
            let id = self.next_id();
            self.send(Request::new(id, WorkspaceDiagnosticRefresh::METHOD.to_string(), ()));
        }
    }

    fn on_analysis(&mut self, analysis: Analysis) {
        let current = self.documents.get(&analysis.uri).map(|d| d.version);
        // A closed document, or one edited since: a newer job is queued and will answer.
        if current != Some(analysis.version) {
            return;
        }
        self.report_configuration(analysis.config_path.as_ref(), analysis.config_error.as_ref());
        let uri = analysis.uri.clone();
        if !self.pull {
            self.publish(uri.clone(), analysis.diagnostics.clone(), Some(analysis.version));
        }
        for waiter in self.waiters.remove(&uri).unwrap_or_default() {
            self.answer(waiter, Some(&analysis));
        }
        self.analyses.insert(uri, analysis);
    }

    /// Show a configuration error once and mark the file; clear the mark once it reads cleanly.
    fn report_configuration(&mut self, used: Option<&PathBuf>, error: Option<&ConfigError>) {
        if let Some(error) = error {
            let text = error.to_string();
            let file = error.file().to_path_buf();
            if self.broken_configs.get(&file) != Some(&text) {
                if let Some(uri) = file_uri(&file) {
                    self.publish(uri, vec![config_problem(error, self.encoding)], None);
                }
                self.broken_configs.insert(file, text.clone());
            }
            if self.shown_errors.insert(text.clone()) {
                self.send(Notification::new(
                    ShowMessage::METHOD.to_string(),
                    ShowMessageParams {
                        typ: MessageType::ERROR,
                        message: format!("leaklint: {text} (checking with the default rules until it is fixed)"),
                    },
                ));
            }
        } else if let Some(path) = used
            && self.broken_configs.remove(path).is_some()
            && let Some(uri) = file_uri(path)
        {
            self.publish(uri, Vec::new(), None);
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            PublishDiagnosticsParams { uri, diagnostics, version },
        ));
    }

    fn register_config_watcher(&mut self) {
        if !self.watches_config {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{}", leaklint_config::CONFIG_FILE_NAME)),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "leaklint-config-watcher".to_string(),
                method: DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let id = self.next_id();
        self.send(Request::new(id, RegisterCapability::METHOD.to_string(), params));
    }

    fn next_id(&mut self) -> RequestId {
        self.next_request += 1;
        RequestId::from(format!("leaklint-{}", self.next_request))
    }
}

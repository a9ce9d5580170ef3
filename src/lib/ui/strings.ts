/**
 * Every user-visible string of the UI, in English. Kept in one module so an i18n library can take
 * them over later; functions build the sentences that carry values.
 */
export const t = {
  product: 'seglab',
  privacyNote: 'All data stays in this browser',
  engine: {
    loading: 'Starting engine…',
    ready: 'Engine ready',
    error: 'Engine failed to start',
    restarted: (reason: string) => `The engine stopped and was restarted (${reason}).`,
    reloaded: (names: string[]) => `Reloaded: ${names.join(', ')}.`,
    reloadFailed: (names: string[]) => `Could not reload: ${names.join(', ')}.`,
    nothingReloaded: 'No tables had to be reloaded.'
  },
  files: {
    heading: 'Add data',
    drop: 'Drop files here',
    or: 'or',
    pick: 'Choose files…',
    pickLabel: 'Choose data files',
    accepted: 'CSV, TSV, TXT, Parquet, JSON, NDJSON, Excel, Arrow',
    dropAnywhere: 'Drop files to load them',
    sample: 'Load sample data',
    sampleMissing: 'The sample data is not part of this build.',
    sampleFailed: (file: string, status: string) => `Could not fetch the sample file ${file} (${status}).`
  },
  load: {
    heading: 'Files being loaded',
    queued: 'Waiting',
    inspecting: 'Checking…',
    choosing: 'Waiting for your choice',
    reading: 'Reading',
    converting: 'Converting',
    finishing: 'Finishing',
    cancel: 'Cancel',
    cancelLabel: (file: string) => `Cancel loading ${file}`,
    progressLabel: (file: string) => `Loading ${file}`,
    bytes: (read: string, total: string) => `${read} of ${total}`,
    rows: (n: string) => (n === '1' ? '1 row' : `${n} rows`),
    cancelled: (file: string) => `Loading ${file} was cancelled.`,
    skipped: (file: string) => `${file} was not loaded.`,
    loaded: (file: string, table: string, rows: string, seconds: string) =>
      `Loaded ${file} as ${table}: ${rows} rows in ${seconds} s.`
  },
  dialog: {
    title: (file: string) => `Load ${file}`,
    sheet: 'Sheet',
    tooLarge: 'This file probably does not fit into the memory the browser gives this page.',
    estimate: (rows: string, memory: string, available: string) =>
      `About ${rows} rows, needing about ${memory} in memory; ${available} are available.`,
    fileSize: (size: string) => `File size: ${size}.`,
    columns: 'Columns to load',
    allColumns: 'All',
    noColumns: 'None',
    sampleRows: 'Load a sample of rows',
    sampleHint: 'Leave empty to load all rows.',
    after: (memory: string, available: string) => `With these choices: about ${memory} of ${available}.`,
    stillTooLarge: 'Still probably too large: choose fewer columns or a smaller sample.',
    confirm: 'Load',
    cancel: 'Skip this file'
  },
  tables: {
    heading: 'Tables',
    empty: 'No tables yet. Drop a file or load the sample data.',
    nameLabel: (name: string) => `Name of table ${name}`,
    counts: (rows: string, columns: string) => `${rows} rows · ${columns} columns`,
    select: (name: string) => `Show profile of ${name}`,
    drop: 'Drop',
    dropLabel: (name: string) => `Drop table ${name}`,
    dropped: (name: string) => `Table ${name} was dropped.`,
    renameFailed: (name: string, message: string) => `Could not rename ${name}: ${message}`,
    dropFailed: (name: string, message: string) => `Could not drop ${name}: ${message}`,
    warnings: 'Load notes',
    dialect: (delimiter: string, header: boolean, encoding: string, numbers: string) =>
      `Delimiter ${delimiter} · ${header ? 'header row' : 'no header'} · ${encoding} · numbers ${numbers}`
  },
  csv: {
    options: 'Options…',
    optionsLabel: (name: string) => `CSV options of ${name}`,
    delimiter: 'Delimiter',
    delimiters: { ',': 'Comma ,', ';': 'Semicolon ;', '\t': 'Tab', '|': 'Pipe |' } as Record<string, string>,
    header: 'First row is a header',
    encoding: 'Encoding',
    encodings: { 'utf-8': 'UTF-8', 'windows-1252': 'Windows-1252' } as Record<string, string>,
    numberLocale: 'Number format',
    numberLocales: { de: 'German 1.234,56', en: 'English 1,234.56' } as Record<string, string>,
    dateFormat: 'Date format',
    dateFormatHint: 'e.g. %d.%m.%Y; empty: detect',
    reload: 'Reload with these options',
    reloading: 'Reloading…',
    reloaded: (name: string) => `Reloaded ${name} with the new options.`
  },
  errors: {
    file: (file: string, message: string) => `Could not load ${file}: ${message}`,
    generic: (message: string) => `Something went wrong: ${message}`,
    details: 'Details',
    dismiss: 'Dismiss',
    dismissLabel: 'Dismiss this notice'
  },
  notices: {
    label: 'Notices'
  },
  profile: {
    heading: 'Profile',
    none: 'Select a table to see its profile.',
    loading: 'Profiling…',
    failed: (table: string, message: string) => `Could not profile ${table}: ${message}`,
    summary: (rows: string, columns: string, seconds: string) => `${rows} rows · ${columns} columns · profiled in ${seconds} s`,
    nulls: 'Nulls',
    distinct: 'Distinct',
    min: 'Min',
    max: 'Max',
    mean: 'Mean',
    top: 'Top values',
    nullValue: '(null)',
    pii: (kind: string) => `Personal data: ${kind}`,
    piiKinds: {
      email: 'e-mail',
      phone: 'phone',
      iban: 'IBAN',
      name: 'name',
      street: 'street',
      birthdate: 'birth date',
      ip: 'IP address',
      postcode: 'postcode'
    } as Record<string, string>,
    chartLabel: (column: string) => `Distribution of ${column}`
  },
  sql: {
    heading: 'SQL',
    inputLabel: 'SQL query',
    placeholder: 'SELECT * FROM my_table LIMIT 100',
    run: 'Run',
    runHint: 'Ctrl+Enter',
    cancel: 'Cancel',
    downloadCsv: 'Download CSV',
    running: 'Running…',
    resultLabel: 'Query result',
    showing: (shown: string, total: string) => `Showing ${shown} of ${total} rows`,
    rows: (n: string) => (n === '1' ? '1 row' : `${n} rows`),
    elapsed: (ms: string) => `${ms} ms`,
    errorAt: (line: number, column: number) => `Line ${line}, column ${column}`,
    cancelled: 'The query was cancelled.',
    noColumns: 'The statement returned no columns.'
  }
} as const;

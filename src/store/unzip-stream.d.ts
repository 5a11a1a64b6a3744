// unzip-stream ships no types; unzip.ts declares the little it uses.
declare module 'unzip-stream'

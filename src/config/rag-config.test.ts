import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

function messages(env: Record<string, string>): string[] {
  return loadConfig(env, { cwd }).problems.map((problem) => problem.message);
}

describe('chunking', () => {
  it('requires CHUNK_OVERLAP to be smaller than CHUNK_SIZE', () => {
    expect(messages({ CHUNK_SIZE: '800', CHUNK_OVERLAP: '900' })).toEqual(['CHUNK_OVERLAP=900 must be smaller than CHUNK_SIZE=800']);
    expect(messages({ CHUNK_SIZE: '800', CHUNK_OVERLAP: '800' })).toEqual(['CHUNK_OVERLAP=800 must be smaller than CHUNK_SIZE=800']);
    expect(messages({ CHUNK_SIZE: '800', CHUNK_OVERLAP: '799' })).toEqual([]);
  });

  it('compares with the default CHUNK_SIZE and says so', () => {
    expect(messages({ CHUNK_OVERLAP: '1500' })).toEqual(['CHUNK_OVERLAP=1500 must be smaller than CHUNK_SIZE=1000 (the default)']);
  });

  it('does not compare with a CHUNK_SIZE that is itself wrong', () => {
    expect(messages({ CHUNK_SIZE: 'big', CHUNK_OVERLAP: '1500' })).toEqual(['CHUNK_SIZE=big is not a whole number; expected 1 or more']);
  });

  it('reads the splitter, refusing others', () => {
    expect(loadConfig({ RAG_TEXT_SPLITTER: 'token' }, { cwd }).config?.rag.textSplitter).toBe('token');
    expect(messages({ RAG_TEXT_SPLITTER: 'markdown_header' })).toEqual([
      'RAG_TEXT_SPLITTER=markdown_header is not accepted; expected one of character, token',
    ]);
  });
});

describe('retrieval settings', () => {
  it('reads fractions between 0 and 1', () => {
    const rag = loadConfig({ RAG_RELEVANCE_THRESHOLD: '0.25', RAG_HYBRID_BM25_WEIGHT: '1' }, { cwd }).config?.rag;
    expect(rag).toMatchObject({ relevanceThreshold: 0.25, hybridBm25Weight: 1 });
    expect(messages({ RAG_RELEVANCE_THRESHOLD: '1.5' })).toEqual(['RAG_RELEVANCE_THRESHOLD=1.5 is out of range; expected 0–1']);
  });

  it('reads the embedding engine, refusing engines Astra does not have', () => {
    const env = { RAG_EMBEDDING_ENGINE: 'ollama', RAG_EMBEDDING_MODEL: 'nomic-embed-text', RAG_EMBEDDING_BATCH_SIZE: '32' };
    expect(loadConfig(env, { cwd }).config?.rag).toMatchObject({ embeddingEngine: 'ollama', embeddingModel: 'nomic-embed-text', embeddingBatchSize: 32 });
    expect(messages({ RAG_EMBEDDING_ENGINE: 'azure_openai' })).toEqual([
      'RAG_EMBEDDING_ENGINE=azure_openai is not accepted; expected one of ollama, openai',
    ]);
  });

  it('needs a reranker URL for the external reranker', () => {
    expect(messages({ RAG_RERANKING_ENGINE: 'external' })).toEqual([
      'RAG_RERANKING_ENGINE=external needs RAG_EXTERNAL_RERANKER_URL; expected the http(s) URL of a rerank endpoint there',
    ]);
    const env = { RAG_RERANKING_ENGINE: 'external', RAG_EXTERNAL_RERANKER_URL: 'http://reranker:8080/v1/rerank' };
    expect(loadConfig(env, { cwd }).config?.rag.externalRerankerUrl).toBe('http://reranker:8080/v1/rerank');
  });

  it('reads the file and extraction settings', () => {
    const env = { FILE_MAX_SIZE: '12.5', PDF_EXTRACT_IMAGES: 'yes', DOCLING_SERVER_URL: 'http://docling:5001/', DOCLING_FORCE_OCR: '1' };
    expect(loadConfig(env, { cwd }).config?.rag).toMatchObject({
      fileMaxSizeMb: 12.5,
      pdfExtractImages: true,
      doclingServerUrl: 'http://docling:5001',
      doclingForceOcr: true,
    });
  });
});

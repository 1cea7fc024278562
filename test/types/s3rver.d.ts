// The little of s3rver (an S3 API server for tests, without types of its own) that the tests use.
declare module 's3rver' {
  interface S3rverOptions { port?: number, address?: string, silent?: boolean, directory: string }
  export default class S3rver {
    constructor (options: S3rverOptions)
    run (): Promise<{ address: string, port: number }>
    close (): Promise<void>
  }
}
